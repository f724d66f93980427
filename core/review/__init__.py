"""An expert's pass over the candidates: decisions and their queue, time-lapse thumbnails, and
the curated inventory exported from them."""
