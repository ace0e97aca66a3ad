namespace ScalePlanner.Tests.Distributed;

/// <summary>
/// Across processes, the loss-spike guards act on the loss all-reduced over the ranks, so every rank rolls back together, and
/// token shards are read by every replica's own loader workers in the rows one process would read.
/// </summary>
public class DistributedGuardsAndInputTests
{
    [Fact]
    public void Should_Roll_Every_Rank_Back_Together_When_One_Replicas_Loss_Spikes()
    {
        // Rank 1's loss counts 1.5 times at step 14 (index 13): the global loss spikes far beyond the robust z-score of 6.
        string checkpoints = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-spike-").FullName, "ckpt");
        var (losses, stderr, _) = DistributedRuns.Execute("dp=2,mb=2,precision=fp32", 16, "--on-spike", "rollback", "--checkpoint-dir", checkpoints,
            "--checkpoint-every", "5", "--spike-rank", "1", "--spike-step", "13");
        Assert.Contains("rank 0: rolled back to the checkpoint of step 10", stderr);
        Assert.Contains("rank 1: rolled back to the checkpoint of step 10", stderr);
        Assert.Equal(16 + 4, losses.Length);   // steps 11–14 ran twice: before the spike and after the rollback
        // One of two ranks counts its loss 1.5 times: the judged loss, their mean, is about 1.25 times the step before.
        Assert.True(losses[13] > 1.2 * losses[12], $"the spiked step should read the inflated loss: {losses[12]} → {losses[13]}");
    }

    [Fact]
    public void Should_Read_The_One_Process_Rows_Of_Token_Shards_With_Loader_Workers_On_Each_Replica()
    {
        string text = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-text-").FullName, "input.txt");
        const string verse = "Tyger Tyger, burning bright, In the forests of the night; What immortal hand or eye, Could frame thy fearful symmetry? ";
        File.WriteAllText(text, string.Concat(Enumerable.Repeat(verse, 60)));
        string shards = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-shards-").FullName, "shards");
        var tokenized = Cli.Cli.Run("tokenize", text, "--out", shards, "--shard-tokens", "2000");
        Assert.True(tokenized.ExitCode == 0, tokenized.StdErr);
        var one = DistributedRuns.Execute("dp=1,mb=2,precision=fp32", 12, "--data", shards, "--mask-prob", "0.1").Losses;
        var (two, stderr, _) = DistributedRuns.Execute("dp=2,mb=2,precision=fp32", 12, "--data", shards, "--mask-prob", "0.1", "--workers", "2", "--prefetch", "3");
        Assert.Contains("2 worker(s), prefetch 3", stderr);
        DistributedRuns.AssertFollows(one, two, "dp=2 on token shards");
    }
}
