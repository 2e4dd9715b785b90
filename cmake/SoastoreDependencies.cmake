# Finds what soastore builds on. Every package named here is installed by scripts/setup.sh.
find_package(MPI REQUIRED COMPONENTS C)
find_package(PkgConfig REQUIRED)
# ISA-L: GenericIO's CRC-64 and zip's CRC-32 at memory speed.
pkg_check_modules(ISAL REQUIRED IMPORTED_TARGET libisal)
# blosc: compressed GenericIO blocks.
pkg_check_modules(BLOSC REQUIRED IMPORTED_TARGET blosc)
# zlib: deflate members written by numpy.savez_compressed.
find_package(ZLIB REQUIRED)
