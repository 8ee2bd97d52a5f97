"""Image analysis used by the submission flow; plain numpy and Pillow, no Django."""
