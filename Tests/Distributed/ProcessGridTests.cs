using ScalePlanner.Executor.Distributed;
using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Tests.Distributed;

public class ProcessGridTests
{
    private static readonly Layout Cube = new() { Tp = 2, Dp = 2, Pp = 2 };

    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(1, 1, 0, 0)]   // tensor ranks are neighbours (Megatron-LM's order: they share a node)
    [InlineData(2, 0, 1, 0)]
    [InlineData(5, 1, 0, 1)]   // pipeline stages are the outermost split
    [InlineData(7, 1, 1, 1)]
    public void Should_Order_Ranks_Tensor_Then_Data_Then_Pipeline(int rank, int tensor, int data, int stage) =>
        Assert.Equal((tensor, data, stage), ProcessGrid.Coordinates(rank, Cube));

    [Fact]
    public void Should_Map_Coordinates_Back_To_Every_World_Rank_Once()
    {
        var ranks = Enumerable.Range(0, 8).Select(r => ProcessGrid.Coordinates(r, Cube)).Select(c => ProcessGrid.WorldRankAt(c.TensorRank, c.DataRank, c.Stage, Cube));
        Assert.Equal(Enumerable.Range(0, 8), ranks);
    }
}
