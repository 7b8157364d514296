"""Views of the awards app: public results and verification, the committee's tools, the ceremony."""
