using ScalePlanner.Mpi;

namespace ScalePlanner.Tests.Mpi;

/// <summary>mpirun's reports of a failed rank, as Open MPI 4.1 prints them (captured on this machine), turned into one phrase.</summary>
public class MpirunFailureReportTests
{
    private static string? Read(string text)
    {
        var report = new MpirunFailureReport();
        foreach (string line in text.Split('\n')) report.Read(line);
        return report.FailedRank;
    }

    [Fact]
    public void Should_Name_A_Rank_Killed_By_A_Signal()
    {
        const string text = """
            --------------------------------------------------------------------------
            Primary job  terminated normally, but 1 process returned
            a non-zero exit code. Per user-direction, the job has been aborted.
            --------------------------------------------------------------------------
            --------------------------------------------------------------------------
            mpirun noticed that process rank 1 with PID 0 on node vm exited on signal 9 (Killed).
            --------------------------------------------------------------------------
            """;
        Assert.Equal("rank 1 on node vm died on signal 9 (Killed)", Read(text));
    }

    [Fact]
    public void Should_Name_A_Rank_That_Exited_With_An_Error_Code()
    {
        const string text = """
            mpirun detected that one or more processes exited with non-zero status, thus causing
            the job to be terminated. The first process to do so was:

              Process name: [[8361,1],3]
              Exit code:    7
            --------------------------------------------------------------------------
            """;
        Assert.Equal("rank 3 exited with code 7", Read(text));
    }

    [Fact]
    public void Should_Name_Nothing_When_A_Rank_Aborted_With_Its_Own_Message()
    {
        const string text = """
            error: silent data corruption at step 3: the parameters of rank 1 differ from rank 0's
            MPI_ABORT was invoked on rank 0 in communicator MPI_COMM_WORLD
            with errorcode 1.
            """;
        Assert.Null(Read(text));
    }

    [Fact]
    public void Should_Name_The_Machine_Whose_Daemon_Was_Lost()
    {
        // Captured on the emulated nodes (tools/emulated-nodes.sh) after every process of spnode1 was killed.
        const string text = """
            --------------------------------------------------------------------------
            ORTE has lost communication with a remote daemon.

              HNP daemon   : [[29457,0],0] on node vm
              Remote daemon: [[29457,0],2] on node 10.213.7.11

            This is usually due to either a failure of the TCP network
            connection to the node, or possibly an internal failure of
            the daemon itself. We cannot recover from this failure, and
            therefore will terminate the job.
            --------------------------------------------------------------------------
            """;
        var report = new MpirunFailureReport();
        Assert.False(report.Failed);
        foreach (string line in text.Split('\n')) report.Read(line);
        Assert.Equal("10.213.7.11", report.LostNode);
        Assert.True(report.Failed);
        Assert.Null(report.FailedRank);
    }
}
