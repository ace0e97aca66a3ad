using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Simulator;

public class LayoutFormatTests
{
    [Theory]
    [InlineData("dp=32,tp=8,pp=4,vp=1,cp=1,sp=off,mb=1,zero=0,recompute=none,precision=bf16,optimizer=adamw,schedule=1f1b,compress=none,overlap=on")]
    [InlineData("dp=6,tp=8,pp=64,vp=2,cp=2,sp=on,mb=4,zero=3,recompute=full,precision=fp16,optimizer=lamb,schedule=interleaved,compress=powersgd:4,overlap=off")]
    [InlineData("dp=1,tp=1,pp=2,vp=1,cp=1,sp=off,mb=2,zero=1,recompute=selective,precision=fp8,optimizer=adafactor,schedule=gpipe,compress=bf16,overlap=on")]
    public void Should_Print_A_Canonical_Layout_Back_Identically(string text) =>
        Assert.Equal(text, Layout.Parse(text).ToString());

    [Fact]
    public void Should_Fill_Omitted_Keys_With_Defaults_And_Round_Trip()
    {
        var layout = Layout.Parse("tp=8, dp=4");
        Assert.Equal(new Layout { Dp = 4, Tp = 8 }, layout);
        Assert.Equal(layout, Layout.Parse(layout.ToString()));
    }

    [Fact]
    public void Should_Choose_Interleaved_Schedule_When_Virtual_Stages_Are_Given() =>
        Assert.Equal(PipelineSchedule.Interleaved, Layout.Parse("pp=4,vp=2").Schedule);

    [Theory]
    [InlineData("dp=x", "layout.dp")]
    [InlineData("dp=2,dp=4", "layout.dp")]
    [InlineData("foo=1", "layout")]
    [InlineData("precision=fp64", "layout.precision")]
    [InlineData("compress=powersgd:0", "layout.compress")]
    [InlineData("recompute=some", "layout.recompute")]
    [InlineData("overlap=maybe", "layout.overlap")]
    [InlineData("tp", "layout")]
    public void Should_Reject_Malformed_Layouts_Naming_The_Field(string text, string field)
    {
        var ex = Assert.Throws<SpecException>(() => Layout.Parse(text));
        Assert.Equal(field, ex.Field);
    }
}
