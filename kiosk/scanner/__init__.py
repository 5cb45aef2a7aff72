"""Card identification by camera (OpenCV capture, zxing-cpp and pyzbar decoders) and by a
keyboard-wedge USB scanner. Imports the domain core, never Kivy: results reach the UI through
callbacks and polling, and the UI hops them onto its main thread."""
