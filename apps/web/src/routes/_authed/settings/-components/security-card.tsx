import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../../../../components/ui/card";
import { SignedInSessions } from "./signed-in-sessions";
import { TwoFactorSettings } from "./two-factor-settings";

/** Settings → Security: where the account is signed in, and the second factor. */
export function SecurityCard() {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Security</CardTitle>
        <CardDescription>Where you are signed in, and a second step when signing in.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-8">
        <TwoFactorSettings />
        <SignedInSessions />
      </CardContent>
    </Card>
  );
}
