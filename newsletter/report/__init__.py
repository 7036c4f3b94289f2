"""`newsletter report`: the dissemination report for the funder's periodic reports."""

# The report's folder inside output/. It is for the funder and the consortium, not for readers:
# `newsletter publish` leaves it out.
REPORT_DIR = "report"
