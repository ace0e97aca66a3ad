namespace ScalePlanner.Mpi;

/// <summary>
/// Runs one MPI rank's work and ends the whole job when it fails. A rank that stops alone would leave the others waiting in a
/// collective forever (MPI_Finalize waits for them too), so a failure prints one line and calls MPI_Abort, which ends every rank.
/// Bad input (what the caller's badInput test accepts: this program's SpecException) passes through: every rank finds it alike, before any collective.
/// </summary>
public static class RankExit
{
    public static int Run(OpenMpi mpi, Func<int> rank, Func<Exception, bool> badInput)
    {
        try
        {
            return rank();
        }
        catch (RankFailure failure)
        {
            // Every rank of the group sees the same failure: one of them reports it and stops the job, the others wait to be stopped.
            if (!failure.Reports) mpi.Barrier(mpi.World);
            return Abort(mpi, failure.Message);
        }
        catch (Exception ex) when (!badInput(ex))
        {
            return Abort(mpi, $"rank {mpi.Rank} failed: {ex.Message}");
        }
    }

    private static int Abort(OpenMpi mpi, string message)
    {
        Console.Error.WriteLine($"error: {message}");
        Console.Error.Flush();
        mpi.Abort(1);
        return 1;
    }
}
