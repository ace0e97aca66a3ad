namespace ScalePlanner.Mpi;

/// <summary>
/// A condition that must stop the whole job (for example replicas whose weights disagree). Every rank of the group that found
/// it throws; <see cref="Reports"/> is true on the one that should print it, so the job ends with one message.
/// </summary>
public sealed class RankFailure(string message, bool reports) : Exception(message)
{
    public bool Reports { get; } = reports;
}
