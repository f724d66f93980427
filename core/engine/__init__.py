"""Mosaics to polygons: model packages and their description, bands and normalisation, raster
reading on a common grid, tiling, inference to a probability raster, and vectorising it."""
