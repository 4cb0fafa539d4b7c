import argparse
import csv
import io
import json
import math
import os
import struct
import sys
import unicodedata

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError:  # the data generators, the file reader and the plain-Python check work without torch
    torch = None

    class nn:  # a stand-in so that the classes below can be defined; running them needs torch
        Module = object
