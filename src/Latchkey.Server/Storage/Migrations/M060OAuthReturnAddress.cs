using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// Redirect mode of an OAuth flow (no popup): the page the callback sends the browser back to with the outcome.
/// Null for the popup flows, which end on the result page. Checked against the environment's allowed origins before
/// it is stored; never carries a secret.
/// </summary>
[Migration(60, "OAuth return address")]
public sealed class M060OAuthReturnAddress : Migration
{
    public override void Up() => Alter.Table("oauth_sessions").AddColumn("return_to").AsCustom("TEXT").Nullable();

    public override void Down() => Delete.Column("return_to").FromTable("oauth_sessions");
}
