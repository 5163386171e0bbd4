"""Which packages the ``trainfer`` distribution holds (the rest is in ``pyproject.toml``).

``resources/`` (data only, at the repository root) ships inside the wheel as the package
``trainfer_resources``: ``package_dir`` maps that name onto the folder, so a checkout, an
editable install and an installed wheel read the same files
(:func:`engine.core.resources.resources_dir`). ``pyproject.toml`` alone cannot map a
folder of another name next to the packages it finds, hence this file.
"""

from setuptools import find_packages, setup

RESOURCES_PACKAGE = "trainfer_resources"  # engine.core.resources.PACKAGE looks it up

setup(
    packages=[*find_packages(include=["engine*", "gui*"]), RESOURCES_PACKAGE],
    package_dir={RESOURCES_PACKAGE: "resources"},
    package_data={RESOURCES_PACKAGE: ["**/*"]},
    include_package_data=False,  # package_data says it all: no MANIFEST.in, no VCS listing
)
