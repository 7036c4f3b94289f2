"""`newsletter report`: the dissemination report for the funder's periodic reports."""
