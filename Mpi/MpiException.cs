namespace ScalePlanner.Mpi;

/// <summary>An MPI call returned an error code, or Open MPI could not be loaded.</summary>
public sealed class MpiException(string message) : Exception(message);
