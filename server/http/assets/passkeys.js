// Latch's passkey ceremonies (WebAuthn through @simplewebauthn/browser, served beside this file). Served from
// /assets/passkeys.js under the pages' nonce'd CSP: no inline script, no fetch. Each form marked `data-passkey`
// carries its options (rendered by the server with a signed, single-use challenge) in `data-options`; the result
// goes back in the form's hidden `response` field with an ordinary POST.
(() => {
  const webauthn = window.SimpleWebAuthnBrowser;
  const forms = document.querySelectorAll("form[data-passkey]");
  if (!webauthn || forms.length === 0) return;

  const supported = webauthn.browserSupportsWebAuthn();

  function showError(form, message) {
    const box = form.querySelector("[data-passkey-error]");
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
  }

  function describe(error) {
    if (error && error.name === "NotAllowedError") return "The passkey request was cancelled or timed out.";
    if (error && error.name === "InvalidStateError") return "This passkey is already registered to your account.";
    return "Your browser couldn't use a passkey here. Try again, or use another way to sign in.";
  }

  function submitWith(form, response) {
    form.querySelector('input[name="response"]').value = JSON.stringify(response);
    form.submit();
  }

  async function run(form, autofill) {
    const optionsJSON = JSON.parse(form.dataset.options);
    if (form.dataset.passkey === "register") return webauthn.startRegistration({ optionsJSON });
    return webauthn.startAuthentication({ optionsJSON, useBrowserAutofill: autofill });
  }

  for (const form of forms) {
    const button = form.querySelector("button[data-passkey-start]");
    if (!supported) {
      if (button) button.disabled = true;
      showError(form, "This browser doesn't support passkeys.");
      continue;
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (form.dataset.passkey === "register" && form.reportValidity && !form.reportValidity()) return;
      try {
        submitWith(form, await run(form, false));
      } catch (error) {
        showError(form, describe(error));
      }
    });
    if (form.dataset.conditional === "true") {
      webauthn.browserSupportsWebAuthnAutofill().then(async (available) => {
        if (!available) return;
        try {
          submitWith(form, await run(form, true));
        } catch {
          // The autofill request ends when the button starts its own (or the user leaves it): nothing to show.
        }
      });
    }
  }
})();
