"""Signals other apps listen to, so that appraisals never imports them.

``report_issued(sender=Report, report=...)`` is sent inside the transaction that saves a
report version (the first or a correction); receivers run in that same transaction.
"""

from django.dispatch import Signal

report_issued = Signal()
# ``dispute_resolved(sender=Dispute, dispute=...)``: sent inside the transaction that settles
# a dispute (any outcome); passports record it as a passport event.
dispute_resolved = Signal()
