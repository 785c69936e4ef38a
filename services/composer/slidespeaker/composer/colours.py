"""The video's colours: browsers decode video as BT.709, so RGB is converted with that
matrix and the frames are tagged so.

The tags go on the frames (setparams): this ffmpeg (9.0) takes the stream's tags from its
frames and ignores the -color_* flags the encoders are also given, which stay for builds
that still read them.
"""

VIDEO_TAGS = "setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709:range=tv"
