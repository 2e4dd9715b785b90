# Installs the library, headers, the soastore program and a CMake package so that another
# project can do find_package(soastore) and link soastore::soastore.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# soastore::soastore is the top layer; it links the others, which come along as soastore::core,
# soastore::io, soastore::genericio, soastore::npz (the codecs: no MPI) and soastore::mpi.
install(TARGETS soastore soastore_mpi soastore_genericio soastore_npz soastore_io soastore_core EXPORT soastoreTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/soastore DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS soastore_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(SOASTORE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/soastore)
install(EXPORT soastoreTargets NAMESPACE soastore:: DESTINATION ${SOASTORE_CMAKE_DIR})
configure_package_config_file(cmake/soastoreConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/soastoreConfig.cmake INSTALL_DESTINATION ${SOASTORE_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/soastoreConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/soastoreConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/soastoreConfigVersion.cmake
        DESTINATION ${SOASTORE_CMAKE_DIR})
