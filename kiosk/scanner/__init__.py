"""Card identification by camera (OpenCV capture, zxing-cpp and pyzbar decoders) and by a
keyboard-wedge USB scanner. Imports the domain core, never Kivy: results reach the UI through
callbacks and polling, and the UI hops them onto its main thread."""

import os

# OpenCV's video reader (FFmpeg) prints its own complaints to stderr, unstructured ("Invalid
# PNG signature" for a file that is not what its name says); the scanner reports what went
# wrong itself. Read once, when OpenCV first opens a video, so it is set before anything can.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET
