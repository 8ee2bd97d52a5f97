"""Community: knowledge base, interest groups, columns and crowd opinions on public cases."""
