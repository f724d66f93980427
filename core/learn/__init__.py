"""From decisions back to a better model: training chips, training and fine-tuning, the
iteration log, and evaluation against reference outlines with its report."""
