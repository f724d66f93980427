"""core's messages (core.messages) in the interface language.

core/ cannot call Qt, so its user-facing text comes as :class:`Message` strings carrying a key
and arguments; here each key has its tr() template (the same English text, so pylupdate files
it for the translators), filled in with the message's arguments.
"""

from __future__ import annotations

from ..core.errors import TsmError
from ..core.messages import Message
from .i18n import tr


def catalogue() -> dict[str, str]:
    """key → translated template; built per call so that the installed translator is used."""
    return {
        "error.with_fix": tr("{problem} {fix}"),
        "domain.sr16": tr("16-bit SR"),
        "domain.uint8": tr("8-bit"),
        "domain.reflectance": tr("reflectance 0-1"),
        "values.raw_counts": tr("{name}: the median of band {band} is {median:,.0f}, above 10 000: these look like "
                                "raw counts or radiance, not surface reflectance ×10 000. Use the SR product, or "
                                "set the value domain."),
        "values.8bit_in_16": tr("{name}: 16-bit values that never exceed 255 look like 8-bit imagery; set the "
                                "value domain to 8-bit (--domain uint8) if so."),
        "values.not_reflectance": tr("{name}: values up to {top:,.0f} are not reflectance 0-1; set the value "
                                     "domain."),
        "values.mask_band": tr("{name}: band {band}, used as {role}, holds only 0 and 1: it looks like a mask, "
                               "not imagery. Map another band to it (band mapping) or use a mosaic with that band."),
        "fit.no_date": tr("{name} has no date: give its year or date, or the years cannot be told apart in the "
                          "results."),
        "fit.resampled": tr("{res:.1f} m pixels will be resampled to the model's {gsd:g} m."),
        "fit.converted": tr("{source} values are converted to the model's {target}."),
        "fit.local_utm": tr("Geographic or Web Mercator mosaic: it is read in the local UTM zone."),
        "mosaic.missing": tr("The mosaic '{path}' does not exist."),
        "mosaic.missing.fix": tr("Check the path (PATH[@DATE])."),
        "mosaic.no_crs": tr("The mosaic {name} has no coordinate reference system."),
        "mosaic.no_crs.fix": tr("Assign its CRS (Raster ▸ Projections ▸ Assign Projection) and try again."),
        "mosaic.rotated": tr("The mosaic {name} has non-square or rotated pixels."),
        "mosaic.rotated.fix": tr("Warp it to a north-up grid with square pixels first."),
        "mosaic.domain": tr("Unknown value domain '{domain}' for {name}."),
        "mosaic.domain.fix": tr("Use one of {domains}."),
        "mosaic.unreadable": tr("The mosaic {path} cannot be read as a raster ({detail})."),
        "mosaic.unreadable.fix": tr("Check that it is a complete GeoTIFF (or another GDAL raster)."),
        "mask.missing": tr("The mask {path} does not exist."),
        "mask.missing.fix": tr("Check the path, or run without a mask for that mosaic."),
        "mask.unreadable": tr("The mask {name} cannot be read as a raster ({detail})."),
        "mask.unreadable.fix": tr("Give the UDM or UDM2 GeoTIFF delivered with the scene."),
        "mask.no_crs": tr("The mask {name} has no coordinate reference system."),
        "mask.no_crs.fix": tr("Give the UDM as delivered (it carries the scene's CRS), or assign one in QGIS."),
        "mask.bands": tr("The mask {name} has {count} bands; a mask has 1 (UDM bit flags, or 0 = clear) or 8 "
                         "(UDM2)."),
        "mask.bands.fix": tr("Give the scene's *_udm.tif or *_udm2.tif, not the imagery."),
        "bands.unreadable": tr("Cannot read the band mapping '{part}'."),
        "bands.unreadable.fix": tr("Write role=band pairs such as 'blue=1,green=2,red=3,nir=4'."),
        "bands.aux_missing": tr("The model needs an auxiliary '{role}' layer, which was not given."),
        "bands.aux_missing.fix": tr("Supply it as a separate raster (--aux {role}=PATH)."),
        "bands.role_missing": tr("Mosaic {name} has {count} band(s) ({known}) but the model needs '{role}'."),
        "bands.role_missing.fix": tr("Use a mosaic with that band (e.g. the 4-band surface reflectance product for "
                                     "nir), or map a band to it: --band-map {role}=N."),
        "bands.out_of_range": tr("The band mapping gives {role}={band}, but mosaic {name} has {count} band(s)."),
        "bands.out_of_range.fix": tr("Correct the band mapping."),
    }


def localize(text: str) -> str:
    """A :class:`Message` in the interface language; any other string as it is."""
    if not isinstance(text, Message):
        return text
    template = catalogue().get(text.key)
    if template is None:  # a key added in core without a translation: English beats nothing
        return str(text)
    args = {name: localize(value) if isinstance(value, Message) else value for name, value in text.args.items()}
    try:
        return template.format(**args)
    except (KeyError, IndexError, ValueError):  # a translation with a broken placeholder
        return str(text)


def error_text(exc: TsmError) -> str:
    """An error's problem and fix in the interface language."""
    return localize(exc.message)
