// Independent check of Acquis' Open Badges with Digital Bazaar's reference libraries
// (W3C VC Data Integrity, eddsa-rdfc-2022, Bitstring Status List): none of Acquis' code.
//
// Input (stdin, JSON): {"credentials": [vc, ...], "documents": {url: document},
//                       "contexts": {url: path of a saved context file}}
//   documents: what a verifier would fetch over HTTPS (status list credentials, did:web DID
//   documents), given by the test from the application's own responses.
// Output (stdout, JSON): one result per credential:
//   {"verified": bool, "error": str|null, "status": {"verified": bool, "revoked": bool}|null}
// Offline: the document loader serves the given contexts and documents, the Multikey and
// DID contexts shipped in their npm packages, did:key through its method driver, and
// refuses any other URL.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as didKey from '@digitalbazaar/did-method-key';
import multikeyContext from '@digitalbazaar/multikey-context';
import didContext from 'did-context';

const input = JSON.parse(readFileSync(0, 'utf8'));

const known = new Map();
for(const [url, path] of Object.entries(input.contexts || {})) {
  known.set(url, JSON.parse(readFileSync(path, 'utf8')));
}
known.set(multikeyContext.CONTEXT_URL, multikeyContext.CONTEXT);
known.set(didContext.CONTEXT_URL, didContext.CONTEXT);
for(const [url, document] of Object.entries(input.documents || {})) {
  known.set(url, document);
}

const didKeyDriver = didKey.driver();
didKeyDriver.use({
  multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from
});

async function documentLoader(url) {
  if(url.startsWith('did:key:')) {
    const document = await didKeyDriver.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  if(url.startsWith('did:web:')) {
    // did:web §3.2: the DID document read from the host; a fragment names one method.
    const [did, fragment] = url.split('#');
    const document = known.get(did);
    if(!document) {
      throw new Error(`DID document not provided: ${did}`);
    }
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document};
    }
    const method = document.verificationMethod.find(m => m.id === url);
    if(!method) {
      throw new Error(`Verification method not found: ${url}`);
    }
    return {
      contextUrl: null,
      documentUrl: url,
      document: {'@context': document['@context'], ...method}
    };
  }
  if(known.has(url)) {
    return {contextUrl: null, documentUrl: url, document: known.get(url)};
  }
  throw new Error(`Offline document loader: ${url} refused.`);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});

const results = [];
for(const credential of input.credentials) {
  const hasStatus = Boolean(credential.credentialStatus);
  const result = await vc.verifyCredential({
    credential,
    suite,
    documentLoader,
    checkStatus: hasStatus ? checkStatus : undefined
  });
  const errors = [].concat(result.error || []).flatMap(
    e => (e.errors || [e]).map(inner => inner.message || String(inner)));
  results.push({
    verified: result.verified,
    error: errors.length ? errors.join(' | ') : null,
    status: result.statusResult ? {
      verified: result.statusResult.verified,
      // the bit at the badge's index (statusPurpose "revocation": set = revoked)
      revoked: result.statusResult.verified ?
        result.statusResult.results.every(r => r.status === true) : null,
      error: result.statusResult.error ? result.statusResult.error.message : null
    } : null
  });
}
process.stdout.write(JSON.stringify(results));
