"""The Digitalcheck: a municipality's self-assessment with scores, level, type, peers and
recommendations (issue 4). How it works: docs/digitalcheck.md."""
