"""``python -m bench [--quick] [--only NAME] [--json PATH]``."""

from bench.runner import main

raise SystemExit(main())
