"""Schema-check individual content files (authors' quick check; `painguide validate` checks the whole tree)."""

import sys

from painguide.content.validate import check_files

if __name__ == "__main__":
    sys.exit(check_files(sys.argv[1:]))
