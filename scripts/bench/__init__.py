"""`make bench`: our service side by side with the two reference apps in ../shared/bench (see __main__.py)."""
