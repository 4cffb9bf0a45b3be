"""Exporters: render a BotPlan as an RPA tool's project or a process document.

Each target module offers ``render_*(plan)`` and ``export(plan, out_dir)``; this
package maps target names to their ``export`` function. Exporters import ``models``
only.
"""

from exporters import pdd, power_automate, robot, tagui, uipath

EXPORTERS = {
    "uipath": uipath.export,
    "power-automate": power_automate.export,
    "robot": robot.export,
    "tagui": tagui.export,
    "pdd": pdd.export,
}

__all__ = ["EXPORTERS"]
