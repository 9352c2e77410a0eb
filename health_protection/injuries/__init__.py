"""Inoculation injuries (sharps, splash, bite): the urgent pathway of PRODUCT.md section 11."""
