"""``python -m extraction FILE [--region NAME] [--date YYYY-MM-DD]``."""

from .cli import main

raise SystemExit(main())
