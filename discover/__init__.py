"""deskmine engine: readers, tokens, segmentation, mining, scoring, renderers, CLI."""
