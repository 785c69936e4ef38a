"""Reading PowerPoint packages (.pptx, .pptm, .ppsx)."""
