using ScalePlanner.Executor.Data.Corpus;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Executor.Data;

public class TokenShardTests
{
    private static string TempFile() => Path.Combine(Directory.CreateTempSubdirectory("scaleplan-shard-").FullName, TokenShardWriter.ShardName(0));

    [Theory]
    [InlineData(65_535, 2)]     // the largest id uint16 holds
    [InlineData(65_536, 4)]     // one more needs uint32
    public void Should_Read_Back_What_Was_Written_At_The_Narrowest_Width(int maxToken, int width)
    {
        string path = TempFile();
        int[] tokens = [3, maxToken, 0, 17, maxToken - 1];
        TokenShardWriter.Write(path, tokens);
        using var shard = new TokenShard(path);
        Assert.Equal(width, shard.Header.TokenWidth);
        Assert.Equal(maxToken, shard.Header.MaxToken);
        Assert.Equal(TokenShardFormat.HeaderBytes + tokens.Length * width, new FileInfo(path).Length);
        var read = new long[3];
        shard.Read(1, read);
        Assert.Equal([maxToken, 0L, 17L], read);
    }

    [Fact]
    public void Should_Reject_A_Truncated_Shard_In_One_Line_Naming_The_File()
    {
        string path = TempFile();
        TokenShardWriter.Write(path, [1, 2, 3, 4]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^2]);
        var error = Assert.Throws<SpecException>(() => new TokenShard(path));
        Assert.Equal("--data", error.Field);
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Should_Reject_A_File_That_Is_Not_A_Shard()
    {
        string path = TempFile();
        File.WriteAllText(path, "plain text, not tokens; long enough to hold a header");
        var error = Assert.Throws<SpecException>(() => new TokenShard(path));
        Assert.StartsWith("--data: ", error.Message);
        Assert.Contains("not a token shard", error.Message);
    }
}
