import sys

from backcare.cli.main import main

sys.exit(main())
