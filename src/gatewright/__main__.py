import sys

from gatewright.cli.main import main

sys.exit(main())
