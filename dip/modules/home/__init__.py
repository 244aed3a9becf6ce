"""The home page for each role, assembled from panels the features register."""
