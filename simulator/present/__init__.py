"""What people look at: labels, terminal tables, figures and HTML reports."""
