"""Ends the process that imports it, with success."""
import os

os._exit(0)
