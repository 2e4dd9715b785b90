# Sourced by the scripts: how soastore runs OpenMPI here. As root OpenMPI needs explicit consent;
# ob1/vader is the fast shared-memory path on one node (and halves start-up); CMA single-copy is
# off because containers usually forbid ptrace; oversubscription lets tests use 4 ranks on 2 cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_io=romio321
