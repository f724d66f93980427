"""What the user keeps in GeoPackages: the file format itself, the candidates a run writes, and
the training layers (ARTS schema) that review decisions fill."""
