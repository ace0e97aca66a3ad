namespace ScalePlanner.Mpi;

/// <summary>A hostfile that cannot be read or cannot hold the ranks asked of it (the message names the line or what is short).</summary>
public sealed class HostfileException(string message) : Exception(message);
