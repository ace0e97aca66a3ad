using ScalePlanner.Executor.Data.Corpus;

namespace ScalePlanner.Tests.Executor.Data;

/// <summary>Corpora written into fresh temporary folders for the tests.</summary>
public static class TempCorpus
{
    /// <summary>Shards whose tokens count up across the corpus (token = global position), so a row shows where it was read from.</summary>
    public static string Counting(params int[] shardLengths)
    {
        string folder = Directory.CreateTempSubdirectory("scaleplan-corpus-").FullName;
        int next = 0;
        for (int s = 0; s < shardLengths.Length; s++)
        {
            var tokens = Enumerable.Range(next, shardLengths[s]).ToArray();
            TokenShardWriter.Write(Path.Combine(folder, TokenShardWriter.ShardName(s)), tokens);
            next += shardLengths[s];
        }
        return folder;
    }
}
