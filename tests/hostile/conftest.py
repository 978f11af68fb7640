import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # reportgen.py
sys.path.insert(0, str(HERE.parent / "service"))  # service_procs.py, service_support.py
