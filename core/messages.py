"""Messages a user reads, as data: a stable id, the English text and its arguments.

core/ knows nothing of Qt, so it cannot translate. A :class:`Message` is still the English
string (the command line, logs and tests read it as one) but also carries ``key`` and ``args``,
so the plugin can show it in the interface language (adapters.messages holds the translated
catalogue under the same keys).
"""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, str] = {
    "error.with_fix": "{problem} {fix}",  # a TsmError: what is wrong, then what to do
    # value domains, as words inside other messages
    "domain.sr16": "16-bit SR",
    "domain.uint8": "8-bit",
    "domain.reflectance": "reflectance 0-1",
    # what the values of a mosaic say (core.engine.values)
    "values.raw_counts": "{name}: the median of band {band} is {median:,.0f}, above 10 000: these look like raw "
                         "counts or radiance, not surface reflectance ×10 000. Use the SR product, or set the "
                         "value domain.",
    "values.8bit_in_16": "{name}: 16-bit values that never exceed 255 look like 8-bit imagery; set the value "
                         "domain to 8-bit (--domain uint8) if so.",
    "values.not_reflectance": "{name}: values up to {top:,.0f} are not reflectance 0-1; set the value domain.",
    "values.mask_band": "{name}: band {band}, used as {role}, holds only 0 and 1: it looks like a mask, not "
                        "imagery. Map another band to it (band mapping) or use a mosaic with that band.",
    # does a mosaic fit the model (core.engine.fit)
    "fit.no_date": "{name} has no date: give its year or date, or the years cannot be told apart in the results.",
    "fit.resampled": "{res:.1f} m pixels will be resampled to the model's {gsd:g} m.",
    "fit.converted": "{source} values are converted to the model's {target}.",
    "fit.local_utm": "Geographic or Web Mercator mosaic: it is read in the local UTM zone.",
    # mosaics that cannot be used (core.engine.raster)
    "mosaic.missing": "The mosaic '{path}' does not exist.",
    "mosaic.missing.fix": "Check the path (PATH[@DATE]).",
    "mosaic.no_crs": "The mosaic {name} has no coordinate reference system.",
    "mosaic.no_crs.fix": "Assign its CRS (Raster ▸ Projections ▸ Assign Projection) and try again.",
    "mosaic.rotated": "The mosaic {name} has non-square or rotated pixels.",
    "mosaic.rotated.fix": "Warp it to a north-up grid with square pixels first.",
    "mosaic.domain": "Unknown value domain '{domain}' for {name}.",
    "mosaic.domain.fix": "Use one of {domains}.",
    "mosaic.unreadable": "The mosaic {path} cannot be read as a raster ({detail}).",
    "mosaic.unreadable.fix": "Check that it is a complete GeoTIFF (or another GDAL raster).",
    # masks (core.engine.masks)
    "mask.missing": "The mask {path} does not exist.",
    "mask.missing.fix": "Check the path, or run without a mask for that mosaic.",
    "mask.unreadable": "The mask {name} cannot be read as a raster ({detail}).",
    "mask.unreadable.fix": "Give the UDM or UDM2 GeoTIFF delivered with the scene.",
    "mask.no_crs": "The mask {name} has no coordinate reference system.",
    "mask.no_crs.fix": "Give the UDM as delivered (it carries the scene's CRS), or assign one in QGIS.",
    "mask.bands": "The mask {name} has {count} bands; a mask has 1 (UDM bit flags, or 0 = clear) or 8 (UDM2).",
    "mask.bands.fix": "Give the scene's *_udm.tif or *_udm2.tif, not the imagery.",
    # band mapping (core.engine.bands)
    "bands.unreadable": "Cannot read the band mapping '{part}'.",
    "bands.unreadable.fix": "Write role=band pairs such as 'blue=1,green=2,red=3,nir=4'.",
    "bands.aux_missing": "The model needs an auxiliary '{role}' layer, which was not given.",
    "bands.aux_missing.fix": "Supply it as a separate raster (--aux {role}=PATH).",
    "bands.role_missing": "Mosaic {name} has {count} band(s) ({known}) but the model needs '{role}'.",
    "bands.role_missing.fix": "Use a mosaic with that band (e.g. the 4-band surface reflectance product for nir), "
                              "or map a band to it: --band-map {role}=N.",
    "bands.out_of_range": "The band mapping gives {role}={band}, but mosaic {name} has {count} band(s).",
    "bands.out_of_range.fix": "Correct the band mapping.",
}


class Message(str):
    """The English text of ``TEXTS[key]`` with ``args``; arguments may be Messages themselves."""

    key: str
    args: dict[str, Any]

    def __new__(cls, key: str, **args: Any) -> Message:
        obj = super().__new__(cls, TEXTS[key].format(**args))
        obj.key, obj.args = key, args
        return obj

    def __reduce__(self):  # str's own pickling would call Message(text)
        return _rebuild, (self.key, self.args)


def _rebuild(key: str, args: dict[str, Any]) -> Message:
    return Message(key, **args)
