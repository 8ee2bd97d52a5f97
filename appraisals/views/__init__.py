"""Pages of the appraisals app: the buyer's submission pages and the staff's AI figures."""
