"""Sber's card terminal through its vendor program (``sb_pilot``), never re-implemented.

The program runs once per operation in a fresh working directory and leaves two files
there: ``e``, the result, and ``p``, the slip, both KOI8-R. Its exit status is not to be
trusted; the result code inside ``e`` is. A run that times out, is killed or leaves no
readable ``e`` has an *unknown* outcome, settled by the terminal's own last-operation query.
"""
