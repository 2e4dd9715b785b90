"""Builds the soastore Python package with the project's own CMake build (see pyproject.toml).

build_ext configures the repository in a CMake tree of its own under setuptools' build_temp
(build/temp.*, apart from any CMake tree the developer configured), builds only the module
target and installs CMake's `python` component where setuptools expects the extension:
_soastore*.so and the .py files of python/soastore/, exactly what
`cmake --install <build> --component python` installs.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def cmake_project_version():
    text = (ROOT / "CMakeLists.txt").read_text()
    return re.search(r"project\(soastore\s+VERSION\s+([0-9.]+)", text).group(1)


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = Path(self.build_temp).resolve() / "cmake"
        # The directory that holds soastore/ in the wheel.
        package_parent = Path(self.get_ext_fullpath(ext.name)).resolve().parent.parent
        subprocess.run(
            ["cmake", "-S", str(ROOT), "-B", str(build_dir), "-G", "Ninja",
             "-DSOASTORE_BUILD_TESTS=OFF",
             # For the interpreter running pip (a venv's, say), not CMake's default /usr/bin/python3;
             # with --system-site-packages it sees Debian's numpy and mpi4py.
             f"-DPython_EXECUTABLE={sys.executable}",
             # A newer compiler's new warnings must not fail a user's install.
             "-DSOASTORE_WARNINGS_AS_ERRORS=OFF",
             # Relative to --prefix below: soastore/ goes straight into package_parent.
             "-DSOASTORE_PYTHON_INSTALL_DIR=."],
            check=True)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "soastore_python"], check=True)
        # The wheel gets what CMake installs and nothing left from an earlier build of this tree.
        shutil.rmtree(package_parent / "soastore", ignore_errors=True)
        # --strip: the debug info of the default RelWithDebInfo build is most of the module's size.
        subprocess.run(["cmake", "--install", str(build_dir), "--component", "python", "--strip",
                        "--prefix", str(package_parent)], check=True)


setup(
    version=cmake_project_version(),
    packages=[],  # the package comes from CMake's install above, not from setuptools' discovery
    ext_modules=[Extension("soastore._soastore", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
)
