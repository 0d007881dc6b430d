using System;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using ConstantContactExport.Connections;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>The New-CCConnection cmdlet. Its help has one source, docs/en-US/New-CCConnection.md, built into the module's MAML help.</summary>
[Cmdlet(VerbsCommon.New, "CCConnection", DefaultParameterSetName = DeviceFlowSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpLinks.Base + "New-CCConnection.md")]
[OutputType(typeof(CCConnection))]
public sealed class NewCCConnectionCommand : AsyncPSCmdlet
{
    private const string DeviceFlowSet = "DeviceFlow";
    private const string BrowserSet = "Browser";
    private const string RefreshTokenSet = "RefreshToken";

    internal const string PrivacyNoticeCaption = "Data privacy notice";

    internal const string PrivacyNoticeText =
        "Exports through this connection send profile data (names, email addresses and the other fields you map: personal data) "
        + "out of the systems it came from to Constant Contact, which stores and processes it under its own terms. Send only data "
        + "you have a lawful basis to share with Constant Contact for email marketing, as your data protection agreement with them allows. "
        + "Do you accept this for the connection?";

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [Alias("ApiKey")]
    public string ClientId { get; set; } = string.Empty;

    [Parameter]
    public SecureString? ClientSecret { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = BrowserSet)]
    public SwitchParameter Browser { get; set; }

    [Parameter(ParameterSetName = BrowserSet)]
    [ValidateNotNull]
    public Uri? RedirectUri { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = RefreshTokenSet)]
    public SecureString? RefreshToken { get; set; }

    [Parameter]
    public string? DisplayName { get; set; }

    [Parameter]
    public Uri? ApiBaseUri { get; set; }

    [Parameter]
    public Uri? AuthBaseUri { get; set; }

    [Parameter]
    [Alias("ExportUsers")]
    public string[] ExportUser { get; set; } = Array.Empty<string>();

    [Parameter]
    public SwitchParameter AcceptDataPrivacyNotice { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        StoragePaths paths = ModuleHome.Open(this);
        if (SafeName.Problem(Name) is { } problem)
        {
            this.Fail(new ErrorRecord(
                SafeName.Unusable(Name, "connection", problem), ConnectionErrorIds.InvalidConnectionName, ErrorCategory.InvalidArgument, Name));
        }

        Uri apiBase;
        Uri authBase;
        Uri redirectUri = RedirectUri ?? BrowserFlow.DefaultRedirectUri;
        if (LoopbackRedirectListener.Problem(redirectUri) is { } redirectProblem)
        {
            this.Fail(new ErrorRecord(
                new ArgumentException($"'{redirectUri.OriginalString}' cannot be the -RedirectUri: {redirectProblem}. Register a loopback redirect URI such as {BrowserFlow.DefaultRedirectUri} with the application and give it here."),
                ConnectionErrorIds.InvalidRedirectUri, ErrorCategory.InvalidArgument, RedirectUri));
        }

        try
        {
            apiBase = ConnectionEndpoints.Check(ApiBaseUri ?? ConnectionEndpoints.DefaultApiBaseUri, nameof(ApiBaseUri));
            authBase = ConnectionEndpoints.Check(AuthBaseUri ?? ConnectionEndpoints.DefaultAuthBaseUri, nameof(AuthBaseUri));
        }
        catch (ConnectionException ex)
        {
            this.Fail(ErrorRecords.From(ex, Name, ex.ErrorId));
            return;
        }

        var store = new ConnectionStore(paths);
        ConnectionInfo? existing = store.Find(Name);
        if (existing is not null && !Force)
        {
            this.Fail(new ErrorRecord(
                new ConnectionException(ConnectionErrorIds.ConnectionExists, ConnectionErrorKind.AlreadyExists,
                    $"A connection named '{existing.Name}' exists already (created by {existing.CreatedBy} on {existing.CreatedOn.LocalDateTime.ToString("d", CultureInfo.CurrentCulture)}). Use -Force to replace it."),
                ConnectionErrorIds.ConnectionExists, ErrorCategory.ResourceExists, Name));
        }

        if (!ShouldProcess($"Connection '{Name}' to {apiBase}", existing is null ? "Create" : "Replace"))
        {
            return;
        }

        EnsurePrivacyNoticeAccepted();

        DateTimeOffset now = DateTimeOffset.Now;
        // Names compare without regard to case: a replacement keeps the existing name, and with it the same files.
        string name = existing?.Name ?? Name;
        var info = new ConnectionInfo(name, DisplayName, apiBase, authBase, ClientId.Trim(), UserIdentity.Current, now, ExportUser, now);
        var authorizer = new ConnectionAuthorizer(paths);
        string? clientSecret = SecureStrings.ToPlainText(ClientSecret);
        try
        {
            TokenSet tokens = ParameterSetName switch
            {
                BrowserSet => Run(ct => authorizer.BrowserFlowAsync(info, clientSecret, redirectUri, PresentBrowserSignIn, BrowserFlow.DefaultTimeout, LogVerbose, ct)),
                RefreshTokenSet => Run(ct => authorizer.RefreshTokenAsync(info, SecureStrings.ToPlainText(RefreshToken) ?? string.Empty, clientSecret, LogVerbose, ct)),
                _ => Run(ct => authorizer.DeviceFlowAsync(info, clientSecret, PresentDeviceCode, LogVerbose, ct)),
            };
            Run(ct => authorizer.SaveAsync(info, tokens, ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            this.Fail(ErrorRecords.From(ex, Name, "NewConnectionFailed"));
        }

        RunspaceConnections.Current.Forget(info.Name, paths);
        RunspaceConnections.Current.Use(info.Name, paths);
        ConnectionInfo saved = store.Get(info.Name);
        var connection = new CCConnection(saved, new TokenStore(paths).Read(saved.Name)?.ExpiresOn);
        WriteInformation(new InformationRecord(
            $"Connection '{saved.Name}' saved; it is this session's default connection. Export users: {string.Join(", ", saved.ExportUsers)}.",
            MyInvocation.MyCommand.Name));
        if (PassThru)
        {
            WriteObject(connection);
        }
    }

    private void EnsurePrivacyNoticeAccepted()
    {
        if (AcceptDataPrivacyNotice)
        {
            return;
        }

        const string Refused = "The data privacy notice was not accepted, so no connection was created.";
        if (HostInteraction.IsNonInteractive(Host))
        {
            this.Fail(new ErrorRecord(
                new InvalidOperationException(
                    "This session is not interactive, so nobody can accept the data privacy notice: profile data (personal data) sent "
                    + "through this connection leaves the systems it came from for Constant Contact. Add -AcceptDataPrivacyNotice to accept it. " + Refused),
                ConnectionErrorIds.DataPrivacyNoticeNotAccepted, ErrorCategory.PermissionDenied, Name));
        }

        bool accepted;
        try
        {
            // Explicit Yes/No with No the default: pressing Enter must not accept a personal-data notice.
            var choices = new System.Collections.ObjectModel.Collection<System.Management.Automation.Host.ChoiceDescription>
            {
                new("&Yes", "Accept the notice and create the connection."),
                new("&No", "Do not accept it; no connection is created."),
            };
            accepted = Host.UI.PromptForChoice(PrivacyNoticeCaption, PrivacyNoticeText, choices, 1) == 0;
        }
        catch (Exception ex) when (ex is PSInvalidOperationException or System.Management.Automation.Host.HostException or NotImplementedException or PSNotImplementedException)
        {
            accepted = false;
        }

        if (!accepted)
        {
            this.Fail(new ErrorRecord(
                new InvalidOperationException(Refused + " Run New-CCConnection again and accept it, or add -AcceptDataPrivacyNotice."),
                ConnectionErrorIds.DataPrivacyNoticeNotAccepted, ErrorCategory.PermissionDenied, Name));
        }
    }

    private void PresentDeviceCode(DeviceAuthorization authorization)
    {
        string complete = authorization.VerificationUriComplete is { } uri ? $" (or open {uri} directly)" : string.Empty;
        string message = $"To connect '{Name}' to Constant Contact, open {authorization.VerificationUri} in a browser on any device{complete} "
            + $"and enter the code {authorization.UserCode}. The code expires in {authorization.ExpiresIn.TotalMinutes:0} minutes. "
            + "Waiting for approval (Ctrl+C cancels)...";
        Post(() => WriteHostInformation(message));
    }

    private void PresentBrowserSignIn(Uri authorizationUri)
    {
        bool opened = BrowserLauncher.TryOpen(authorizationUri);
        string message = opened
            ? $"Your browser has been opened to sign in to Constant Contact for connection '{Name}'. If it did not open, go to:{Environment.NewLine}{authorizationUri}"
            : $"To connect '{Name}' to Constant Contact, open this address in a browser on this computer and sign in:{Environment.NewLine}{authorizationUri}";
        Post(() => WriteHostInformation(message + Environment.NewLine + "Waiting for the sign-in (Ctrl+C cancels)..."));
    }
}
