import sys

from interactor_mock.cli import main

sys.exit(main())
