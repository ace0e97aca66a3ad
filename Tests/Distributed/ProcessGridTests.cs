using ScalePlanner.Executor.Distributed;
using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Tests.Distributed;

public class ProcessGridTests
{
    private static readonly Layout Cube = new() { Tp = 2, Dp = 2, Pp = 2 };
    private static readonly Layout Context = new() { Tp = 2, Cp = 2, Dp = 2, Pp = 2 };

    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(1, 1, 0, 0)]   // tensor ranks are neighbours (Megatron-LM's order: they share a node)
    [InlineData(2, 0, 1, 0)]
    [InlineData(5, 1, 0, 1)]   // pipeline stages are the outermost split
    [InlineData(7, 1, 1, 1)]
    public void Should_Order_Ranks_Tensor_Then_Data_Then_Pipeline(int rank, int tensor, int data, int stage) =>
        Assert.Equal(new GridPosition(tensor, 0, data, stage), ProcessGrid.Coordinates(rank, Cube));

    [Theory]
    [InlineData(1, 1, 0, 0, 0)]
    [InlineData(2, 0, 1, 0, 0)]    // context ranks come right after tensor ranks
    [InlineData(4, 0, 0, 1, 0)]
    [InlineData(15, 1, 1, 1, 1)]
    public void Should_Place_Context_Ranks_Between_Tensor_And_Data_Ranks(int rank, int tensor, int context, int data, int stage) =>
        Assert.Equal(new GridPosition(tensor, context, data, stage), ProcessGrid.Coordinates(rank, Context));

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Should_Map_Coordinates_Back_To_Every_World_Rank_Once(int size)
    {
        var layout = size == 8 ? Cube : Context;
        var ranks = Enumerable.Range(0, size).Select(r => ProcessGrid.WorldRankAt(ProcessGrid.Coordinates(r, layout), layout));
        Assert.Equal(Enumerable.Range(0, size), ranks);
    }
}
