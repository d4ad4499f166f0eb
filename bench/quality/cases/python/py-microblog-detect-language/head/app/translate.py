import requests
from flask import current_app
from flask_babel import _


TRANSLATOR_URL = 'https://api.cognitive.microsofttranslator.com'


def _auth_headers():
    return {
        'Ocp-Apim-Subscription-Key': current_app.config['MS_TRANSLATOR_KEY'],
        'Ocp-Apim-Subscription-Region': 'westus'
    }


def translation_enabled():
    return bool(current_app.config.get('MS_TRANSLATOR_KEY'))


def detect_language(text):
    """Ask the translator service which language a text is written in."""
    return requests.post(
        TRANSLATOR_URL + '/detect?api-version=3.0',
        headers=_auth_headers(), json=[{'Text': text}])


def translate(text, source_language, dest_language):
    if not translation_enabled():
        return _('Error: the translation service is not configured.')
    r = requests.post(
        TRANSLATOR_URL + '/translate?api-version=3.0&from={}&to={}'.format(
            source_language, dest_language), headers=_auth_headers(), json=[
                {'Text': text}])
    if r.status_code != 200:
        return _('Error: the translation service failed.')
    return r.json()[0]['translations'][0]['text']
